build-fuzz/report/profile_stoke.o: report/profile_stoke.c \
  report/profile.h report/tree.h common/strbuf.h common/util.h \
  report/session.h common/format.h common/sample.h report/resolve.h \
  symbolize/symbolize.h report/sample_filter.h report/stackcache.h

report/profile.h:

report/tree.h:

common/strbuf.h:

common/util.h:

report/session.h:

common/format.h:

common/sample.h:

report/resolve.h:

symbolize/symbolize.h:

report/sample_filter.h:

report/stackcache.h:
