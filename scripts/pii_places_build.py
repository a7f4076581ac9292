"""Regenerate the place gazetteers of the PII detector (scans/engine/pii/data/countries.txt, places.txt).

countries.txt holds country names: Faker's English list (MIT licence) with its parenthesised
glosses dropped, plus the short forms people write. A country name is reported on its own.
places.txt holds regions, cities and country abbreviations, which are reported only after a
preposition ("in Leeds", "in the UK"): US states, Canadian provinces and Australian states from
Faker, the major cities below, and the real town lists of Faker's locales that have them, without
the towns that are also first names or common English words (those would turn "in Mark's view"
into a place).

Run: .venv/bin/python scripts/pii_places_build.py
"""

import importlib
import re
from pathlib import Path

import faker
from faker.providers.address.en_AU import Provider as Australia
from faker.providers.address.en_CA import Provider as Canada
from faker.providers.address.en_US import Provider as UnitedStates
from faker.providers.lorem.en_US import Provider as EnglishWords

OUT = Path(__file__).resolve().parent.parent / "scans" / "engine" / "pii" / "data"
# Abbreviations are also labels ("UK NINO"), so they count only after a preposition, as towns do.
ABBREVIATIONS = ["USA", "UK", "UAE"]
SHORT_COUNTRIES = [
    "United States",
    "England",
    "Scotland",
    "Wales",
    "Northern Ireland",
    "Great Britain",
    "Britain",
    "Russia",
    "South Korea",
    "North Korea",
    "Czechia",
    "Czech Republic",
    "Slovakia",
    "Vietnam",
    "Iran",
    "Syria",
    "Laos",
    "Taiwan",
    "Ivory Coast",
    "Vatican",
    "Moldova",
    "Macedonia",
    "North Macedonia",
    "Bosnia",
    "Kosovo",
    "Palestine",
    "Tanzania",
    "Bolivia",
    "Venezuela",
    "Libya",
    "Brunei",
    "Micronesia",
    "Burma",
    "Myanmar",
    "Eswatini",
    "Cabo Verde",
]
MAJOR_CITIES = [
    "Amsterdam",
    "Ankara",
    "Athens",
    "Atlanta",
    "Auckland",
    "Austin",
    "Baghdad",
    "Baltimore",
    "Bangalore",
    "Bangkok",
    "Barcelona",
    "Beijing",
    "Beirut",
    "Belfast",
    "Belgrade",
    "Berlin",
    "Bern",
    "Birmingham",
    "Bogotá",
    "Bogota",
    "Bordeaux",
    "Boston",
    "Bratislava",
    "Brisbane",
    "Bristol",
    "Brussels",
    "Bucharest",
    "Budapest",
    "Buenos_Aires",
    "Cairo",
    "Calgary",
    "Cambridge",
    "Canberra",
    "Cape_Town",
    "Cardiff",
    "Casablanca",
    "Chennai",
    "Chicago",
    "Cologne",
    "Copenhagen",
    "Dallas",
    "Damascus",
    "Delhi",
    "Denver",
    "Detroit",
    "Dhaka",
    "Dubai",
    "Dublin",
    "Durban",
    "Edinburgh",
    "Florence",
    "Frankfurt",
    "Geneva",
    "Glasgow",
    "Gothenburg",
    "Guadalajara",
    "Hamburg",
    "Hanoi",
    "Havana",
    "Helsinki",
    "Ho_Chi_Minh_City",
    "Hong_Kong",
    "Honolulu",
    "Houston",
    "Istanbul",
    "Jakarta",
    "Jerusalem",
    "Johannesburg",
    "Karachi",
    "Kathmandu",
    "Kyiv",
    "Kiev",
    "Kolkata",
    "Kraków",
    "Krakow",
    "Kuala_Lumpur",
    "Lagos",
    "Lahore",
    "Las_Vegas",
    "Leeds",
    "Leipzig",
    "Lille",
    "Lima",
    "Lisbon",
    "Liverpool",
    "Ljubljana",
    "London",
    "Los_Angeles",
    "Lyon",
    "Madrid",
    "Manchester",
    "Manila",
    "Marseille",
    "Melbourne",
    "Mexico_City",
    "Miami",
    "Milan",
    "Minneapolis",
    "Minsk",
    "Montreal",
    "Moscow",
    "Mumbai",
    "Munich",
    "Nairobi",
    "Nantes",
    "Naples",
    "New_Delhi",
    "New_Orleans",
    "New_York",
    "Nice",
    "Nicosia",
    "Osaka",
    "Oslo",
    "Ottawa",
    "Oxford",
    "Palermo",
    "Paris",
    "Perth",
    "Philadelphia",
    "Phoenix",
    "Pittsburgh",
    "Porto",
    "Prague",
    "Pune",
    "Quito",
    "Reykjavik",
    "Riga",
    "Rio_de_Janeiro",
    "Riyadh",
    "Rome",
    "Rotterdam",
    "Saint_Petersburg",
    "San_Diego",
    "San_Francisco",
    "San_Jose",
    "Santiago",
    "São_Paulo",
    "Sao_Paulo",
    "Seattle",
    "Seoul",
    "Seville",
    "Shanghai",
    "Singapore",
    "Sofia",
    "Stockholm",
    "Strasbourg",
    "Stuttgart",
    "Sydney",
    "Taipei",
    "Tallinn",
    "Tehran",
    "Tel_Aviv",
    "Tokyo",
    "Toronto",
    "Toulouse",
    "Tunis",
    "Turin",
    "Valencia",
    "Vancouver",
    "Venice",
    "Vienna",
    "Vilnius",
    "Warsaw",
    "Washington",
    "Wellington",
    "Yokohama",
    "Zagreb",
    "Zurich",
    "Zürich",
    "Goiânia",
    "Brasília",
    "Brasilia",
    "Salvador",
    "Fortaleza",
    "Recife",
    "Curitiba",
    "Manaus",
    "Belo_Horizonte",
    "Porto_Alegre",
    "Limassol",
    "Larnaca",
    "Thessaloniki",
    "Antwerp",
    "Ghent",
    "Bruges",
    "Rabat",
    "Algiers",
    "Accra",
    "Addis_Ababa",
    "Kampala",
    "Kigali",
    "Dakar",
    "Lusaka",
    "Harare",
    "Luanda",
    "Khartoum",
    "Doha",
    "Muscat",
    "Kuwait_City",
    "Amman",
    "Baku",
    "Tbilisi",
    "Yerevan",
    "Almaty",
    "Tashkent",
    "Islamabad",
    "Colombo",
    "Chittagong",
    "Yangon",
    "Phnom_Penh",
    "Kyoto",
    "Nagoya",
    "Sapporo",
    "Busan",
    "Guangzhou",
    "Shenzhen",
    "Chengdu",
    "Wuhan",
    "Montevideo",
    "Caracas",
    "Medellín",
    "Medellin",
    "Panama_City",
    "San_Juan",
    "Kingston",
    "Monterrey",
    "Edmonton",
    "Winnipeg",
    "Quebec_City",
    "Halifax",
    "Adelaide",
    "Hobart",
    "Darwin",
    "Christchurch",
]
# Towns whose names are mostly something else in the text Bastion scans ("written in Rust").
NOT_PLACES = {"Rust"}
# Faker locales whose city lists are real towns rather than generated names.
CITY_LOCALES = (
    "cs_CZ",
    "da_DK",
    "de_AT",
    "de_CH",
    "de_DE",
    "en_IN",
    "fi_FI",
    "hr_HR",
    "id_ID",
    "nl_NL",
    "pl_PL",
    "pt_PT",
    "ro_RO",
    "sl_SI",
    "sv_SE",
)


def _read(name: str) -> set[str]:
    lines = (OUT / name).read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def _countries() -> set[str]:
    names = {re.sub(r"\s*\(.*\)", "", country).strip() for country in UnitedStates.countries}
    return names | set(SHORT_COUNTRIES)


def _towns(excluded: set[str]) -> set[str]:
    towns: set[str] = set()
    for locale in CITY_LOCALES:
        provider = importlib.import_module(f"faker.providers.address.{locale}").Provider
        towns |= {town for town in provider.cities if town[:1].isupper() and town not in excluded}
    return towns


def _write(name: str, entries: set[str]) -> None:
    header = f"# generated by scripts/pii_places_build.py from Faker {faker.VERSION} (MIT licence)\n"
    (OUT / name).write_text(header + "\n".join(sorted(entries)) + "\n", encoding="utf-8")


def main() -> None:
    common = {word.capitalize() for word in EnglishWords.word_list}
    countries = _countries()
    regions = set(UnitedStates.states) | set(Canada.provinces) | set(Australia.states)
    cities = {city.replace("_", " ") for city in MAJOR_CITIES}
    towns = _towns(_read("first_names.txt") | common | countries | NOT_PLACES)
    _write("countries.txt", countries)
    _write("places.txt", (regions | cities | towns | set(ABBREVIATIONS)) - countries)


if __name__ == "__main__":
    main()
