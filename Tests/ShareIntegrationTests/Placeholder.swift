enum PlaceholderShareIntegrationTests {}
