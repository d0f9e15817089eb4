output "rule_arns" {
  description = "The rules that invoke flow-guard."
  value       = { for k, r in local.rules : k => r.arn }
}

output "activation_results" {
  description = "flow-guard's answer to each activation."
  value       = { for k, i in aws_lambda_invocation.activate : k => i.result }
}
