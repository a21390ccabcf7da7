build-fuzz/report/resolve.o: report/resolve.c report/resolve.h \
  common/sample.h report/session.h common/format.h symbolize/symbolize.h \
  common/arena.h common/strbuf.h common/util.h symbolize/unwind.h

report/resolve.h:

common/sample.h:

report/session.h:

common/format.h:

symbolize/symbolize.h:

common/arena.h:

common/strbuf.h:

common/util.h:

symbolize/unwind.h:
