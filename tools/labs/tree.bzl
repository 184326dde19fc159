"""Which kind of tree this is, for the lab course's BUILD macros.

The reference repository says "reference". tools/labs/make_starter.sh
rewrites this file in a student's tree ("starter", and the lab it was made
for), so that the lab BUILD files there define only the graded suites and
none of the instructor's starter checks (which would fail by design once a
student has solved a lab).
"""

TREE_KIND = "reference"
STARTER_LAB = 0
