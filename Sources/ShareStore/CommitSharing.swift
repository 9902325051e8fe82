/// How the stores let writes share a commit.
public enum CommitSharing {
    /// How long an acknowledgement waits for another write (a publish) to share its commit
    /// while nothing else is waiting to be written: at a moderate rate each delivery's
    /// acknowledgement would otherwise cost a commit, and a flush, of its own. It is answered
    /// only after its commit either way.
    public static let acknowledgementPatience = Duration.milliseconds(2)
}
