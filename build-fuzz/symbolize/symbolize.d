build-fuzz/symbolize/symbolize.o: symbolize/symbolize.c \
  symbolize/symbolize.h common/util.h symbolize/elfsym.h \
  symbolize/strtab.h symbolize/kallsyms.h symbolize/perfmap.h

symbolize/symbolize.h:

common/util.h:

symbolize/elfsym.h:

symbolize/strtab.h:

symbolize/kallsyms.h:

symbolize/perfmap.h:
