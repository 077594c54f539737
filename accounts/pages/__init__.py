"""The web side of signing in: the login page with a button per sign-in method, the
authentication backends of the password form (local passwords, LDAP), and the hooks and
providers of django-allauth for OpenID Connect, Feishu and DingTalk."""
