enum PlaceholderShareServer {}
