/// The demo partnership's sharing policy: the worked example of the policy file format
/// (README "Sharing policy"). Fictional, but shaped on the flows of docs/domain.md.
enum DemoPolicy {
    static let text = """
        {
          "$comment": "Northshire safeguarding partnership (fictional): who may send and receive each message type.",
          "types": {
            "unborn-baby-referral/1": {
              "senders": ["health"], "recipients": ["mash", "social-care"],
              "routing": ["direct", "subscription"],
              "consent": ["given", "refused", "not-sought", "not-required"], "maxExpiryDays": 90,
              "failureNoticesTo": "northshire-mash"
            },
            "relevant-history/1": {
              "senders": ["health", "police"], "recipients": ["mash", "social-care"],
              "routing": ["direct", "subscription"],
              "consent": ["given", "refused", "not-sought", "not-required"], "maxExpiryDays": 90,
              "failureNoticesTo": "northshire-mash"
            },
            "mash-enquiry/1": {
              "senders": ["mash"], "recipients": ["health", "police", "social-care", "education"],
              "routing": ["direct"],
              "consent": ["given", "refused", "not-sought", "not-required"], "maxExpiryDays": 30,
              "request": {
                "urgency": "/payload/urgency", "respondWithin": {"red": "hours:4", "amber": "hours:24", "green": "working-days:3"},
                "escalateTo": "northshire-csc"
              }
            },
            "mash-enquiry-response/1": {
              "senders": ["health", "police", "social-care", "education"], "recipients": ["mash"],
              "routing": ["direct"],
              "consent": ["given", "refused", "not-sought", "not-required"], "maxExpiryDays": 30
            },
            "domestic-abuse-notification/1": {
              "senders": ["police"], "recipients": ["education", "social-care", "mash"],
              "routing": ["direct"],
              "consent": ["given", "refused", "not-sought", "not-required"], "maxExpiryDays": 60,
              "failureNoticesTo": "northshire-mash", "deliveryDeadline": "next-school-day",
              "educatedAtHome": {"pointer": "/payload/educatedAtHome", "deliverTo": "northshire-csc"},
              "selectiveDisclosure": {
                "education": ["/payload/incidentReference", "/payload/incidentAt", "/payload/childPresent", "/payload/educatedAtHome",
                              "/payload/nextSchoolDay", "/payload/sentBeforeNextSchoolDay", "/payload/lateReason",
                              "/payload/keyAdultGuidance", "/payload/policeContact"],
                "social-care": ["/payload"], "mash": ["/payload"]
              }
            },
            "unscheduled-care-attendance/1": {
              "senders": ["health"], "recipients": ["social-care", "mash"],
              "routing": ["direct", "subscription"],
              "consent": ["given", "refused", "not-sought", "not-required"], "maxExpiryDays": 30,
              "failureNoticesTo": "northshire-mash"
            },
            "was-not-brought/1": {
              "senders": ["health"], "recipients": ["health", "social-care", "education"],
              "routing": ["direct", "subscription"],
              "consent": ["given", "refused", "not-sought", "not-required"], "maxExpiryDays": 30
            },
            "strategy-discussion-invitation/1": {
              "senders": ["social-care", "mash"], "recipients": ["police", "health", "social-care", "education", "mash"],
              "routing": ["direct"],
              "consent": ["given", "refused", "not-sought", "not-required"], "maxExpiryDays": 30,
              "failureNoticesTo": "northshire-mash"
            },
            "strategy-discussion-outcome/1": {
              "senders": ["social-care", "mash"], "recipients": ["police", "health", "social-care", "education", "mash"],
              "routing": ["direct"],
              "consent": ["given", "refused", "not-sought", "not-required"], "maxExpiryDays": 90
            },
            "serious-incident-notification/1": {
              "senders": ["social-care"], "recipients": ["police", "health", "mash", "education", "social-care", "other"],
              "routing": ["direct"],
              "consent": ["given", "refused", "not-sought", "not-required"], "maxExpiryDays": 365,
              "deliveryDeadline": "working-days:5"
            },
            "decision-not-to-share/1": {
              "senders": ["health", "police", "social-care", "education", "mash", "probation", "youth-justice", "other"],
              "recipients": [], "routing": ["record"],
              "consent": ["given", "refused", "not-sought", "not-required"]
            },
            "child-protection-flag/1": {
              "senders": ["social-care"], "recipients": [], "routing": ["record"], "queriedBy": ["health"],
              "consent": ["given", "refused", "not-sought", "not-required"]
            },
            "birth-link/1": {
              "senders": ["health", "social-care"], "recipients": [], "routing": ["record"],
              "consent": ["given", "refused", "not-sought", "not-required"]
            }
          }
        }

        """
}
