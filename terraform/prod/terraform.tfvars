environment    = "prod"
account_id     = "333333333333"
region         = "eu-west-2"
architecture   = "arm64"
salesforce     = { instance_url = "https://example.my.salesforce.com" }
support_emails = ["sfbridge-support@example.com"]
status_subscriptions = [
  { email = "contact-centre-ops@example.com", filter_policy = { status = ["Fail"] } },
]
deletion_protection = true
max_reactivations   = 3
