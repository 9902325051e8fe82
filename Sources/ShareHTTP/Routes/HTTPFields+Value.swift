import HTTPTypes

extension HTTPFields {
    /// The value of the field `name` as `self[name]` gives it, without joining the values of a
    /// field sent once (the usual case) through an unspecialised lazy sequence, which cost
    /// about 4,000 instructions a lookup on a publish's path.
    func value(of name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            guard found == nil else { return self[name] }
            found = field.value
        }
        return found
    }
}
