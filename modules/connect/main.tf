# Steps 15-16: lets an Amazon Connect instance invoke connect-lookup. Nothing is created when
# no instance is given.

locals {
  enabled = var.instance_id != null
}

resource "aws_connect_lambda_function_association" "this" {
  count = local.enabled ? 1 : 0

  instance_id  = var.instance_id
  function_arn = var.function_arn
}

resource "aws_lambda_permission" "connect" {
  count = local.enabled ? 1 : 0

  statement_id  = "AmazonConnectInvokes"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "connect.amazonaws.com"
  source_arn    = "arn:aws:connect:${var.region}:${var.account_id}:instance/${var.instance_id}"
}
