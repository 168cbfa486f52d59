"""Builders for small planning instances (imported by the planner tests)."""

from __future__ import annotations

import csv
from datetime import date

START = date(2027, 1, 4)  # a Monday
END = date(2027, 7, 4)  # START + 6 months


def sme(id_, unit, skills, unavailable=()):
    return {
        "id": id_,
        "name": f"Name {id_}",
        "role": "Sergeant",
        "unit": unit,
        "skills": list(skills),
        "unavailable": [list(r) for r in unavailable],
    }


def cand(
    id_,
    theme,
    unit,
    days=3,
    team=2,
    earliest="2027-01-04",
    latest="2027-06-30",
    priority=3,
    inspection=None,
):
    return {
        "id": id_,
        "title": f"Review {id_}",
        "theme": theme,
        "unit": unit,
        "days": days,
        "team_size": team,
        "earliest": earliest,
        "latest": latest,
        "priority": priority,
        "inspection": inspection,
    }


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path
