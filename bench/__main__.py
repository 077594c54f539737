"""`python -m bench`: run the scoring benchmark (see bench/cli.py);
`python -m bench payroll`: the payroll pull benchmark (see bench/payroll.py);
`python -m bench pages`: the pages benchmark (see bench/pages.py);
`python -m bench approve`: the director's approve-all (see bench/approve.py);
`python -m bench pdf`: the PDF of review forms benchmark (see bench/pdf.py);
`python -m bench figures`: the quarter's figures file benchmark (see bench/figures.py)."""

import sys

if sys.argv[1:2] == ["payroll"]:
    from bench.payroll import main as payroll_main

    sys.exit(payroll_main(sys.argv[2:]))

if sys.argv[1:2] == ["pages"]:
    from bench.pages import main as pages_main

    sys.exit(pages_main(sys.argv[2:]))

if sys.argv[1:2] == ["approve"]:
    from bench.approve import main as approve_main

    sys.exit(approve_main(sys.argv[2:]))

if sys.argv[1:2] == ["pdf"]:
    from bench.pdf import main as pdf_main

    sys.exit(pdf_main(sys.argv[2:]))

if sys.argv[1:2] == ["figures"]:
    from bench.figures import main as figures_main

    sys.exit(figures_main(sys.argv[2:]))

from bench.cli import main

sys.exit(main())
