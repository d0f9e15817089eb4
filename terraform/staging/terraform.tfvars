environment         = "staging"
account_id          = "222222222222"
region              = "eu-west-2"
architecture        = "arm64"
salesforce          = { instance_url = "https://example--uat.sandbox.my.salesforce.com", is_sandbox = true }
support_emails      = ["sfbridge-support@example.com"]
deletion_protection = true
max_reactivations   = 3
