variable "name_prefix" {
  description = "Prefix of every name, e.g. sfbridge-dev."
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

variable "tags" {
  description = "Tags for the alarms."
  type        = map(string)
  default     = {}
}
