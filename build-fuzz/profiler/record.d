build-fuzz/profiler/record.o: profiler/record.c profiler/record.h \
  profiler/evspec.h common/format.h common/sample.h common/util.h \
  profiler/buildids.h profiler/meta.h profiler/ring.h profiler/synth.h \
  profiler/target.h

profiler/record.h:

profiler/evspec.h:

common/format.h:

common/sample.h:

common/util.h:

profiler/buildids.h:

profiler/meta.h:

profiler/ring.h:

profiler/synth.h:

profiler/target.h:
