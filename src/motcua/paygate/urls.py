app_name = "paygate"
urlpatterns: list = []
