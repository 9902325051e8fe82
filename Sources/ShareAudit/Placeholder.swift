enum PlaceholderShareAudit {}
