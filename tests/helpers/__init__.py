"""What the tests share: paths, an instance run through the CLI (in-process), fixture
servers, a real SMTP server, store builders and the headless browser."""
