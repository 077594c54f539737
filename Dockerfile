# One image for the web (gunicorn), worker and beat processes; see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext for the translations; Pango, HarfBuzz and fontconfig for WeasyPrint (the PDF of many
# review forms, printouts/), with the CJK fonts the forms name (no font is fetched at run time);
# gcc with OpenLDAP's and SASL's headers to build python-ldap (LDAP sign-in, no wheel on PyPI).
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig fonts-noto-cjk \
    gcc libc6-dev libldap2-dev libsasl2-dev \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 hrperf

WORKDIR /app
COPY pyproject.toml README.md ./
COPY hrperf ./hrperf
COPY departments ./departments
COPY kpis ./kpis
COPY reviews ./reviews
COPY payroll ./payroll
COPY clients ./clients
COPY accounts ./accounts
COPY calendars ./calendars
COPY evidence ./evidence
COPY printouts ./printouts
COPY selfassessments ./selfassessments
COPY appeals ./appeals
COPY improvement ./improvement
RUN pip install .
COPY . .
# collectstatic needs a key to import the settings; this one exists only during the build.
RUN SECRET_KEY=build-only-not-used-at-run-time python manage.py collectstatic --no-input \
 && python manage.py compilemessages --ignore .venv \
 && mkdir -p /var/lib/hrperf/media && chown hrperf /var/lib/hrperf/media

USER hrperf
EXPOSE 8000
# gunicorn's own limits sit above the product's (REQUEST_MAX_URI_CHARS, REQUEST_MAX_HEADER_BYTES), so an
# over-long address or header is answered by the product, in its own shape (414, 431).
# The timeout leaves room for the largest figures files (FIGURES_MAX_SECONDS, 100 s).
CMD ["gunicorn", "hrperf.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-", "--limit-request-line", "8190", "--limit-request-field_size", "16380"]
