/// Northshire's calendar file for `sharebroker demo`: the real England and Wales bank holidays
/// for 2026 to 2028 (gov.uk/bank-holidays), and made-up term dates for the school years
/// 2026-27 and 2027-28, laid out as a local authority publishes them (six half terms, INSET days).
enum DemoCalendar {
    static let text = """
    {
      "$comment": "FICTIONAL term dates for the demo area Northshire (E99999999); the bank holidays are the real England and Wales ones for 2026 to 2028. An operator replaces this file each year with the local authority's published term dates.",
      "timeZone": "Europe/London",
      "schoolDayStart": "08:30",
      "bankHolidays": [
        "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
        "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28",
        "2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26"
      ],
      "terms": [
        {"from": "2026-09-02", "to": "2026-10-23"},
        {"from": "2026-11-02", "to": "2026-12-18"},
        {"from": "2027-01-04", "to": "2027-02-12"},
        {"from": "2027-02-22", "to": "2027-03-25"},
        {"from": "2027-04-12", "to": "2027-05-28"},
        {"from": "2027-06-07", "to": "2027-07-21"},
        {"from": "2027-09-01", "to": "2027-10-22"},
        {"from": "2027-11-01", "to": "2027-12-17"},
        {"from": "2028-01-04", "to": "2028-02-11"},
        {"from": "2028-02-21", "to": "2028-03-31"},
        {"from": "2028-04-18", "to": "2028-05-26"},
        {"from": "2028-06-05", "to": "2028-07-21"}
      ],
      "insetDays": [
        "2026-09-02", "2026-09-03", "2026-11-02", "2027-01-04", "2027-06-07",
        "2027-09-01", "2027-09-02", "2028-01-04", "2028-06-05", "2028-07-21"
      ]
    }

    """
}
