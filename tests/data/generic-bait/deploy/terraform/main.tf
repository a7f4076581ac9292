resource "aws_db_instance" "main" {
  identifier        = "acme-prod"
  username          = "acme"
  password          = var.db_password
  master_password   = random_password.db.result
  kms_key_id        = aws_kms_key.rds.arn
}

resource "aws_secretsmanager_secret_version" "api" {
  secret_id     = aws_secretsmanager_secret.api.id
  secret_string = jsonencode({ api_key = var.api_key, token = local.service_token })
}

provider "github" {
  token = data.vault_generic_secret.github.data["token"]
}

module "app" {
  source        = "./modules/app"
  client_secret = "${var.oauth_client_secret}"
  api_key       = module.secrets.api_key
  access_key    = each.value.access_key
}

variable "db_password" {
  type      = string
  sensitive = true
}

locals {
  secret_key_name = "acme-prod-signing-key"
  client_vpn_endpoint_id = aws_ec2_client_vpn_endpoint.client-vpn-endpoint.id
}

variable "datadog_api_key" {
  type      = string
  sensitive = true
}

variable "okta_api_token" {
  type        = string
  description = "Okta API token, 42 characters starting with 00; set it in the workspace, never here"
  default     = ""
}

variable "mistral_api_key" {
  type    = string
  default = "REPLACE_ME"
}
