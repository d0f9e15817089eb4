environment  = "prod"
account_id   = "333333333333"
region       = "eu-west-2"
architecture = "arm64"
# The connector profile is made from the JWT by scripts/connector-profile.py (README: First
# deployment); Terraform only names it, so the JWT is in no state, plan or CI artifact.
salesforce     = { instance_url = "https://example.my.salesforce.com", connector_profile_name = "sfbridge-prod" }
support_emails = ["sfbridge-support@example.com"]
status_subscriptions = [
  { email = "contact-centre-ops@example.com", filter_policy = { status = ["Fail"] } },
]
deletion_protection = true
max_reactivations   = 3
# Caps per handler. Lambda keeps a minimum of unreserved concurrency per account: this needs a
# raised concurrency quota (new accounts have 10 in all); make preflight ENV=prod checks it.
reserved_concurrency = { "ingest" = 10, "status-csv" = 5, "notify" = 5, "flow-guard" = 2, "connect-lookup" = 50 }
# The ingest queue's mapping may use all of ingest's reservation (never more: AWS says a
# reservation below the mapping's maximum concurrency throttles it).
ingest_max_concurrency = 10
# Amazon Connect Global Resiliency (README "A second region"): the table's replica and a
# connect-lookup reading it in the replica instance's region (London pairs with Frankfurt).
# secondary_region               = "eu-central-1"
# secondary_connect_instance_arn = "arn:aws:connect:eu-central-1:333333333333:instance/<replica instance id>"
