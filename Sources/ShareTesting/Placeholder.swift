enum PlaceholderShareTesting {}
