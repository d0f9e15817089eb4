environment  = "dev"
account_id   = "111111111111"
region       = "eu-west-2"
architecture = "arm64"
# The connector profile is made from the JWT by scripts/connector-profile.py (README: First
# deployment); Terraform only names it, so the JWT is in no state, plan or CI artifact.
salesforce          = { instance_url = "https://example--dev.sandbox.my.salesforce.com", is_sandbox = true, connector_profile_name = "sfbridge-dev" }
support_emails      = ["sfbridge-support@example.com"]
deletion_protection = false
force_destroy       = true
max_reactivations   = 3
