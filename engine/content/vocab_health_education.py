"""Industry vocabulary: healthcare and education (layout: see ``vocab_finance_retail``)."""

from __future__ import annotations

from engine.content import vocab_health_education_talk as _talk

# Dense data tables: keep several phrases per line.
# fmt: off

HEALTHCARE = {
    "themes": (
        {
            "names": (
                "{q} HIPAA compliance review: {x}", "{x} privacy risk assessment",
                "{x} policy refresh", "{q} Joint Commission readiness: {x}",
            ),
            "fills": (
                "Outpatient clinics", "Emergency department", "Pharmacy", "Radiology",
                "Behavioral health", "Cardiology", "Lab services", "Home health", "Pediatrics",
                "Ambulatory surgery", "Dermatology", "Physical therapy", "Dental",
            ),
            "goals": (
                "Close the gaps found in last year's privacy audit.",
                "Find out where patient data is exposed and fix the worst risks first.",
                "Make sure staff know the updated procedures before the survey window.",
                "Be survey-ready with every policy current and the evidence on file.",
            ),
            "doc": (
                "HIPAA checklist", "breach notification procedure",
                "business associate agreement template", "infection control policy",
                "patient consent forms",
            ),
            "sys": ("EHR access audit logging", "secure messaging app for clinicians"),
            "data": (
                "access log review sample", "incident report trends", "policy attestation records",
            ),
            "event": (
                "privacy training for front desk staff", "mock survey walkthrough",
                "tabletop breach exercise",
            ),
        },
        {
            "names": (
                "{x} EHR upgrade", "{x} e-prescribing rollout", "{x} telehealth expansion",
                "{x} clinical workflow optimization",
            ),
            "fills": (
                "Main campus", "Northside clinic", "Women's health", "Orthopedics", "Primary care",
                "Oncology", "Urgent care", "Surgical services", "Pediatric clinic", "Neurology",
                "Endocrinology", "Family medicine", "Rehab unit",
            ),
            "goals": (
                "Go live without disrupting patient care or losing orders in the switchover.",
                "Send every prescription electronically and retire the fax workflow.",
                "Give patients a video visit option in every clinic.",
                "Cut charting time for nurses by ten minutes per shift.",
            ),
            "doc": (
                "downtime procedures", "order set change requests", "go-live support roster",
                "clinician tip sheets",
            ),
            "sys": (
                "lab results interface", "e-prescribing integration",
                "medication barcode scanners", "telehealth video platform",
            ),
            "data": ("order set usage data", "charting time metrics", "interface error queue"),
            "event": ("super-user training sessions", "go-live command center"),
        },
        {
            "names": (
                "{x} patient access improvement", "{q} claims denial reduction: {x}",
                "{x} patient portal relaunch", "{q} revenue cycle cleanup: {x}",
            ),
            "fills": (
                "Scheduling", "Registration", "Prior authorization", "Billing", "Referral",
                "Check-in", "Financial counseling", "Call center", "Patient intake", "Collections",
                "Coding", "Charge capture", "Insurance verification",
            ),
            "goals": (
                "Cut the wait for a new-patient appointment to under two weeks.",
                "Bring the denial rate back under 5%.",
                "Get more patients using the portal instead of the phone line.",
                "Clear the aged receivables and stop new ones piling up.",
            ),
            "doc": (
                "prior authorization checklist", "patient statement wording",
                "appeal letter templates", "call center scheduling scripts",
            ),
            "sys": (
                "online self-scheduling", "patient portal sign-up flow",
                "insurance eligibility check integration",
            ),
            "data": (
                "denials by payer", "appointment no-show rates",
                "patient satisfaction survey results", "aged accounts receivable",
            ),
            "event": ("front desk huddles", "payer contract review meeting"),
        },
    ),
    "common": {
        "doc": (
            "clinical steering group update", "staff communication plan for the clinics",
            "healthcare project charter",
        ),
        "data": ("clinical ops issue log", "training attendance tracker"),
        "event": (
            "kickoff with the clinical leads", "nursing leadership briefing",
            "post-go-live review with clinicians",
        ),
    },
    "team": (
        "the nursing leads", "compliance", "IT security", "revenue cycle", "the clinic managers",
        "the EHR analysts", "patient access", "pharmacy",
    ),
    "appr": (
        "the privacy officer", "the CMO", "the CNO", "compliance", "legal",
        "the clinical informatics lead",
    ),
    "meet": (
        "the Thursday compliance huddle", "the nursing leadership meeting",
        "the EHR change board", "the morning safety huddle", "the revenue cycle review",
    ),
    "place": (
        "the policy library", "the compliance SharePoint", "PolicyStat", "the EHR build tracker",
        "the clinical ops drive",
    ),
    "dl": (
        "the Joint Commission survey", "the go-live date", "the annual privacy audit",
        "the CMS reporting deadline", "open enrollment", "the next board quality meeting",
    ),
    "scope": {
        "any": ("the main campus", "the two pilot units", "the outpatient clinics"),
        "sys": ("employed physicians", "the ED and the ICU", "the pilot clinics' workstations"),
        "data": ("the top five payers", "last quarter's admissions", "adult inpatients"),
    },
    "talk": _talk.HEALTHCARE,
}

EDUCATION = {
    "themes": (
        {
            "names": (
                "{x} curriculum redesign", "{q} course review: {x}", "New elective: {x}",
                "{x} assessment overhaul",
            ),
            "fills": (
                "Grade 9 math", "Biology", "Computer science", "English literature",
                "World history", "Chemistry", "Statistics", "Spanish", "Art and design", "Physics",
                "Geography", "Music", "Economics",
            ),
            "goals": (
                "Align the course with the updated state standards before fall term.",
                "Find what worked this year and fix what didn't before next term.",
                "Launch the elective with enough sign-ups to run two sections.",
                "Give teachers a shared set of assessments that are marked the same way.",
            ),
            "doc": (
                "course syllabus", "unit lesson plans", "grading rubric", "reading list",
                "learning outcomes",
            ),
            "sys": ("LMS course shell", "online quiz bank"),
            "data": (
                "last year's exam results", "student feedback survey data",
                "standards alignment map",
            ),
            "event": (
                "department planning day", "teacher peer observations",
                "curriculum committee presentation",
            ),
        },
        {
            "names": (
                "{x} LMS migration", "{x} 1:1 device rollout", "{x} gradebook integration",
                "Student information system upgrade: {x}",
            ),
            "fills": (
                "Middle school", "High school", "Primary", "District-wide", "Lower school",
                "Upper school", "East campus", "West campus", "Sixth form", "Elementary",
                "Adult education", "Online school", "Special education",
            ),
            "goals": (
                "Move every course to the new LMS without losing student work.",
                "Get a working device into every student's hands by the first week of term.",
                "Stop teachers entering grades twice.",
                "Upgrade the SIS over the break with no data lost.",
            ),
            "doc": (
                "device acceptable use policy", "teacher quick-start guide",
                "parent FAQ on the new platform",
            ),
            "sys": (
                "single sign-on for students", "gradebook sync with the SIS",
                "Chromebook enrollment", "content filter settings",
            ),
            "data": ("course content export", "student account list", "device inventory"),
            "event": ("teacher training drop-in sessions", "device handout days"),
        },
        {
            "names": (
                "{q} admissions campaign: {x}", "{x} open day", "{x} enrollment process review",
                "Student wellbeing program: {x}",
            ),
            "fills": (
                "Fall intake", "Spring intake", "International students", "Graduate programs",
                "Transfer students", "Evening courses", "Summer school", "Scholarship",
                "Adult learners", "Apprenticeship", "Online programs", "Nursing program", "MBA",
            ),
            "goals": (
                "Hit the enrollment target without discounting tuition.",
                "Turn open day visitors into applicants.",
                "Answer every applicant within two working days.",
                "Make support easier to find for first-year students.",
            ),
            "doc": (
                "admissions brochure", "scholarship criteria", "student handbook",
                "offer letter template",
            ),
            "sys": ("online application form", "applicant CRM workflows"),
            "data": (
                "applications funnel report", "enrollment forecast",
                "retention figures by program",
            ),
            "event": ("campus tours", "applicant interview days", "orientation week"),
        },
    ),
    "common": {
        "doc": (
            "newsletter item for staff", "board of governors briefing",
            "education project charter",
        ),
        "sys": ("shared staff calendar",),
        "data": ("staff survey results",),
        "event": (
            "kickoff with department heads", "end-of-term review", "parent information evening",
        ),
    },
    "team": (
        "the department heads", "the IT helpdesk", "admissions", "the registrar's office",
        "student services", "the teaching assistants", "the exams office", "the parent council",
    ),
    "appr": (
        "the principal", "the dean", "the curriculum committee", "the head of department",
        "the registrar", "the vice-principal",
    ),
    "meet": (
        "the Monday staff briefing", "the department meeting", "the curriculum committee",
        "the governors' meeting", "the weekly leadership meeting",
    ),
    "place": (
        "the staff drive", "the LMS", "the department folder", "the shared Google Drive",
        "the policy portal",
    ),
    "dl": (
        "the start of term", "exam season", "the accreditation visit",
        "the application deadline", "parents' evening", "the end of the semester",
    ),
    "scope": {
        "any": ("the pilot department", "the Year 9 classes"),
        "sys": ("staff accounts", "the main campus buildings", "student devices"),
        "data": ("full-time students", "this term's courses", "last year's intake"),
    },
    "talk": _talk.EDUCATION,
}

INDUSTRIES = {"healthcare": HEALTHCARE, "education": EDUCATION}
