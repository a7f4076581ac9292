# ruff: noqa -- false-positive bait for the secret scanner, modelled on real code and never imported
import os

from django.conf import settings

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
API_KEY = os.getenv("ACME_API_KEY", "")
SLACK_TOKEN = settings.SLACK_TOKEN
DB_PASSWORD = config.get("database", "password")
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY")
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
PASSWORD_RESET_TIMEOUT = 259200
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
password_regex = "^(?=.*[A-Z])(?=.*[0-9]).{12,}$"
TOKEN_URL = "https://auth.acme.io/oauth/token"
max_tokens = 4096
token_count = len(tokens)
tokenizer = "cl100k_base"
public_key = "Gc3Q0RXJM2CUNbgKpUMnkPtOfOzeFzsW"
MantleAPI_version = "9a038989604e8da62ecddbe2094b16ce1b778be1"
LLM_SECRET_NAME = "NEXUS-GPT4-API-KEY"
keyword = "Befaehigung_P2"
api_key = "your_api_key_here"
password = "changeme"
secret = "xxxxxxxxxxxxxxxxxxxxxxxx"
token = "<TOKEN>"
db_url_template = "postgres://%(user)s:%(password)s@db/acme"
aws_access_key_id = "AKIAIOSFODNN7EXAMPLE"
aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
password_hash = "$2b$12$KIXQJQZ5Xj0bLrG9QkGq7uZl8WmH3t4nZc2VYx1oVh3sP5rQy6b1e"
admin_password = "pbkdf2_sha256$600000$Hx3kVq9Z$Yw9dkzkYQnHcJ3hQ6V4i0hHqJ8tBqk6f1m3Zr2x5yLs="
ldap_password = "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g2gQdM"
session_token_header = "X-Session-Token"
auth_client = "8c4f1a5e-2b7d-4c9e-a3f6-0d1e2f3a4b5c"
api_commit = "4e243aa393011da09ff2bc4a598c2879e967abb8"
tokenizationId = "f865288c97ca4913887373728b8dfc4c"
secret_key_path = "/etc/acme/secret.key"
private_key_file = "keys/signing.pem"
auth_endpoint = "https://login.acme.io/authorize"
password_error = "Your password must contain at least one digit."
access_token_ttl = "15m"
def login(password: str = None, token: str = "") -> None:
    if password is None:
        password = getpass.getpass()
    credentials = load_credentials(path=token_path)
