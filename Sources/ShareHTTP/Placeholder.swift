enum PlaceholderShareHTTP {}
