environment         = "dev"
account_id          = "111111111111"
region              = "eu-west-2"
architecture        = "arm64"
salesforce          = { instance_url = "https://example--dev.sandbox.my.salesforce.com", is_sandbox = true }
support_emails      = ["sfbridge-support@example.com"]
deletion_protection = false
force_destroy       = true
max_reactivations   = 3
