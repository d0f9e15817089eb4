mock_provider "aws" {}

variables {
  function_arn  = "arn:aws:lambda:eu-west-2:123456789012:function:sfbridge-test-connect-lookup"
  function_name = "sfbridge-test-connect-lookup"
  account_id    = "123456789012"
  region        = "eu-west-2"
}

run "nothing_without_an_instance" {
  command = apply
  assert {
    condition     = length(aws_connect_lambda_function_association.this) == 0 && length(aws_lambda_permission.connect) == 0
    error_message = "No Connect instance, no association."
  }
}

run "association_and_permission_with_an_instance" {
  command = apply
  variables {
    instance_id = "9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa"
  }
  assert {
    condition     = aws_lambda_permission.connect[0].principal == "connect.amazonaws.com" && endswith(aws_lambda_permission.connect[0].source_arn, "instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa")
    error_message = "Only that Connect instance may invoke connect-lookup."
  }
}
