import HTTPTypes
import ShareBroker
import ShareHTTP
import Testing

/// Every refusal the broker can make reaches the agency as its own problem type and status:
/// a code missing from the table would silently become a 500.
@Suite("Problem catalogue")
struct ProblemCatalogueTests {
    @Test("every BrokerError code has a problem entry with a client or service status and a title")
    func everyCodeHasAnEntry() {
        for code in BrokerError.Code.allCases {
            let entry = ProblemCatalogue.entries[code]
            #expect(entry != nil, "\(code) has no problem entry")
            #expect(entry.map { (400..<600).contains($0.status.code) && $0.status.code != 500 } == true, "\(code)")
            #expect(entry?.title.isEmpty == false, "\(code)")
        }
        #expect(ProblemCatalogue.entries.count == BrokerError.Code.allCases.count, "no entry for a code that does not exist")
    }
}
