# Copied into modules/secondary of the rehearsal's copy of the modules (never the repository's)
# by scripts/terraform-rehearsal.sh terraform: moto 5.2 cannot create DynamoDB replicas
# (UpdateTable's ReplicaUpdates), so the rehearsal applies the second region without the
# replica. The replica and its wiring are covered by terraform test (mocks) only.

resource "aws_dynamodb_table_replica" "this" {
  count = 0
}

output "replica_arn" {
  value = null
}
