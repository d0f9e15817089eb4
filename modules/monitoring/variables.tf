variable "name_prefix" {
  description = "Prefix of every name, e.g. sfbridge-dev."
  type        = string
}

variable "region" {
  description = "AWS region of the metrics (every dashboard graph names it)."
  type        = string
}

variable "alarm_topic_arn" {
  description = "Where alarms go (the support topic)."
  type        = string
}

variable "queues" {
  description = "Dead-letter and failure queues to watch: alarm key -> queue name."
  type        = map(string)
}

variable "ingest_queue_name" {
  description = "The ingest queue: its depth and age are graphed, its age alarmed."
  type        = string
}

variable "max_ingest_queue_age_seconds" {
  description = "Age of the oldest event on the ingest queue above which the event path is stalled."
  type        = number
  default     = 900

  validation {
    # Well under the queue's 4-day retention, and at least one alarm period.
    condition     = var.max_ingest_queue_age_seconds >= 300 && var.max_ingest_queue_age_seconds <= 86400
    error_message = "max_ingest_queue_age_seconds must be between 300 (one alarm period) and 86400 (a day, well inside the queue's retention)."
  }
}

variable "functions" {
  description = "Functions to watch for errors: handler -> function name."
  type        = map(string)
}

variable "stream_functions" {
  description = "Stream-fed functions to watch for iterator age: handler -> function name."
  type        = map(string)
}

variable "flow_names" {
  description = "AppFlow flows to watch for failed runs."
  type        = list(string)
}

variable "max_iterator_age_seconds" {
  description = "Iterator age above which the stream is falling behind."
  type        = number
  default     = 300
}

variable "table_name" {
  description = "The config table (for the replication-latency alarms)."
  type        = string
  default     = null
}

variable "replica_regions" {
  description = "Regions of the table's replicas: one replication-latency alarm each (DynamoDB publishes ReplicationLatency in the region the writes are made, here the home region)."
  type        = list(string)
  default     = []
}

variable "max_replication_latency_ms" {
  description = "Average replication latency (ms) above which the alarm fires."
  type        = number
  default     = 60000
}

variable "tags" {
  description = "Tags for the alarms."
  type        = map(string)
  default     = {}
}
