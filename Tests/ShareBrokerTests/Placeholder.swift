enum PlaceholderShareBrokerTests {}
