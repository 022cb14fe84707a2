"""Browser tests: the sandbox's page in headless Chromium, partnerbot behind it."""
