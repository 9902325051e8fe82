enum PlaceholderShareJWSTests {}
