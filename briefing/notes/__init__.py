"""The notes stage: analyst notes anchored to quotes, kept in SQLite (user data)."""
