output "role_arns" {
  description = "Role ARN by GitHub environment name (set AWS_PLAN_ROLE_ARN on <env>-plan and AWS_DEPLOY_ROLE_ARN on <env>)."
  value       = { for k, r in aws_iam_role.this : k => r.arn }
}
