build-fuzz/profiler/synth.o: profiler/synth.c profiler/synth.h \
  common/sample.h common/util.h

profiler/synth.h:

common/sample.h:

common/util.h:
