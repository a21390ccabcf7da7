build-fuzz/profiler/meta.o: profiler/meta.c profiler/meta.h \
  common/format.h common/sample.h common/strbuf.h common/util.h

profiler/meta.h:

common/format.h:

common/sample.h:

common/strbuf.h:

common/util.h:
