enum PlaceholderShareAuditTests {}
