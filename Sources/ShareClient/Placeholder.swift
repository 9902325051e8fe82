enum PlaceholderShareClient {}
