build-fuzz/symbolize/unwind.o: symbolize/unwind.c symbolize/unwind.h \
  common/sample.h common/util.h

symbolize/unwind.h:

common/sample.h:

common/util.h:
