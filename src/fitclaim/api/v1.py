from ninja import NinjaAPI

api = NinjaAPI(title="fitclaim API", version="1", urls_namespace="api-v1", docs_url="/docs")
