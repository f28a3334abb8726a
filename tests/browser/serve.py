"""Run the app as a real server process for the browser tests: python serve.py PORT.

Configuration comes from WALKAPP_* variables set by the test fixture.
"""

import sys

from walkapp import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]), threaded=True, use_reloader=False, debug=False)
