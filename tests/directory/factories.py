from apps.directory.models import Service


def service(name: str, **fields) -> Service:
    values = {
        "kind": "voluntary",
        "summary": f"{name}: support for young people.",
        "eligibility": "Young people living in Northbrook.",
        "min_age": 11,
        "max_age": 18,
        "catchment": "Northbrook",
        "takes_professional_referral": True,
        "typical_wait": "About 3 weeks",
        "what_to_expect": "MARKER-EXPECT: you meet a counsellor.\n\nYou choose what to talk about.",
        **fields,
    }
    return Service.objects.create(name=name, **values)
