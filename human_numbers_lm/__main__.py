from .reproduce import main

main()
