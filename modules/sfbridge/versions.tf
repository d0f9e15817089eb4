terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
      # aws.secondary: the second region (secondary_region); without one the roots configure
      # it for the home region and nothing uses it.
      configuration_aliases = [aws.secondary]
    }
  }
}
