# verwerkingenlog: PGXS build.  The version lives in verwerkingenlog.control only.
EXTENSION = verwerkingenlog
EXTVERSION = $(shell sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" $(EXTENSION).control)

MODULE_big = verwerkingenlog
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))
PG_CPPFLAGS += -I$(srcdir)/src -DVWL_VERSIE='"$(EXTVERSION)"'
# -Wextra minus the one warning every fmgr function trips (PG_FUNCTION_ARGS is
# not always used); everything else must stay clean.
PG_CFLAGS += -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
SHLIB_LINK += -lcrypto

# The install script is assembled from the parts in sql/install, in order,
# so that every concern keeps its own file.
INSTALL_PARTS = $(sort $(wildcard sql/install/*.sql))
# A released version's install script is frozen whole in sql/ (made once by
# test/release/bevries.sh) and never changes again; the parts build the script
# of the version in development (default_version) until it is frozen in turn.
# sql/ also holds the upgrade scripts, verwerkingenlog--A--B.sql.
FROZEN = $(wildcard sql/$(EXTENSION)--$(EXTVERSION).sql)
DATA_built = $(if $(FROZEN),,$(EXTENSION)--$(EXTVERSION).sql)
DATA = $(wildcard sql/$(EXTENSION)--*.sql)

# Regression tests are numbered (sql/NNN_topic.sql) and run in that order.
REGRESS = $(sort $(basename $(notdir $(wildcard sql/[0-9][0-9][0-9]_*.sql))))
REGRESS_OPTS = --load-extension=$(EXTENSION)
ISOLATION = $(sort $(basename $(notdir $(wildcard test/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test --load-extension=$(EXTENSION)

EXTRA_CLEAN = results regression.diffs regression.out output_iso tmp_check

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
# The library knows its version (src/versie.c): rebuild it when that changes.
src/versie.o: $(EXTENSION).control

# The release archive for PGXN: the committed tree (HEAD) as
# verwerkingenlog-VERSION.zip, everything under verwerkingenlog-VERSION/.
dist:
	git archive --format=zip --prefix=$(EXTENSION)-$(EXTVERSION)/ -o $(EXTENSION)-$(EXTVERSION).zip HEAD
.PHONY: dist

$(EXTENSION)--$(EXTVERSION).sql: $(INSTALL_PARTS)
	cat $^ > $@

# The offline verifier (src/verifieer/): a standalone program, C and
# libcrypto only.  PGXS's PROGRAM would share OBJS with the module, so it has
# its own rule.
VERIFIER = src/verifieer/verwerkingenlog-verifieer
all: $(VERIFIER)
$(VERIFIER): $(VERIFIER).c
	$(CC) -O2 -Wall -Wextra $(COPT) -o $@ $< -lcrypto
install: install-verifier
install-verifier: $(VERIFIER)
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) $(VERIFIER) '$(DESTDIR)$(bindir)/'
clean: clean-verifier
clean-verifier:
	rm -f $(VERIFIER)
.PHONY: install-verifier clean-verifier
