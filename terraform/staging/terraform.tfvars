environment  = "staging"
account_id   = "222222222222"
region       = "eu-west-2"
architecture = "arm64"
# The connector profile is made from the JWT by scripts/connector-profile.py (README: First
# deployment); Terraform only names it, so the JWT is in no state, plan or CI artifact.
salesforce          = { instance_url = "https://example--uat.sandbox.my.salesforce.com", is_sandbox = true, connector_profile_name = "sfbridge-staging" }
support_emails      = ["sfbridge-support@example.com"]
deletion_protection = true
max_reactivations   = 3
