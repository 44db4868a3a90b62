"""``motcua find_procedure "QUERY" [--limit N] [--json]``: the search, for scripts and people."""

import json

from django.core.management.base import BaseCommand

from motcua.search.selectors import search


class Command(BaseCommand):
    help = "Tìm thủ tục hành chính theo cách nói của người dân (in JSON với --json)."

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--sector", type=int, default=None)
        parser.add_argument("--level", default=None)
        parser.add_argument("--agency", type=int, default=None)
        parser.add_argument("--json", action="store_true", help="a JSON array, best first")

    def handle(self, *args, **options):
        result = search(
            options["query"],
            limit=options["limit"],
            sector=options["sector"],
            level=options["level"],
            agency=options["agency"],
        )
        if options["json"]:
            rows = [
                {
                    "code": hit.code,
                    "name": hit.name,
                    "score": hit.score,
                    "version_id": hit.version_id,
                    "matched_terms": hit.matched_terms,
                }
                for hit in result.hits
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        if not result.hits:
            self.stdout.write("Không tìm thấy thủ tục phù hợp. Thủ tục được tìm nhiều:")
            for hit in result.suggestions:
                self.stdout.write(f"  {hit.code}  {hit.name}")
            return
        for rank, hit in enumerate(result.hits, start=1):
            self.stdout.write(f"{rank:>2}. {hit.code:<10} {hit.score:.3f}  {hit.name}")
