"""Publishing: the compiled tours go onto the wikis (sync, deploy, go-live, review, seeding, translations pull/push)."""
